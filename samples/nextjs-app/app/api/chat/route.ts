import { openai } from "@/lib/openai";

export async function POST(request: Request) {
  const { question } = (await request.json()) as { question: string };
  const completion = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Answer from Acme's help center. Say so when you do not know." },
      { role: "user", content: question },
    ],
    max_completion_tokens: 400,
  });
  return Response.json({ answer: completion.choices[0]?.message.content ?? "" });
}
