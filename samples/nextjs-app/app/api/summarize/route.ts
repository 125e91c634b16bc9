// Summarise a help-center article with the Vercel AI SDK. The stream has no output cap:
// a rambling or looping answer is billed in full (RF401).
import { streamText } from "ai";
import { openai } from "@ai-sdk/openai";

export async function POST(request: Request) {
  const { article } = (await request.json()) as { article: string };
  const result = streamText({
    model: openai("gpt-4.1-mini"),
    system: "Summarise the article for a customer in three sentences.",
    prompt: article,
  });
  return result.toTextStreamResponse();
}
