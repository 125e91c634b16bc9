"use client";

import { useState } from "react";

export default function Page() {
  const [answer, setAnswer] = useState("");

  async function ask(formData: FormData) {
    const response = await fetch("/api/chat", {
      method: "POST",
      body: JSON.stringify({ question: formData.get("question") }),
    });
    setAnswer((await response.json()).answer);
  }

  return (
    <main>
      <h1>Acme support</h1>
      {/* Answers come from the help center through /api/chat. */}
      <form action={ask}>
        <input name="question" placeholder="Ask a question" />
        <button type="submit">Ask</button>
      </form>
      <p>{answer}</p>
    </main>
  );
}
