"""RF401 on Gemini chat sessions (issue 21): the cap may be set where the session's model
or chat is built, or on the message; a session with none anywhere is uncapped."""

from __future__ import annotations

from tests.conftest import lines_of, lint

TS = """\
import { GoogleGenAI } from "@google/genai";
import { GoogleGenerativeAI } from "@google/generative-ai";
const ai = new GoogleGenAI({});
export async function one(q: string) {
  const chat = ai.chats.create({ model: "gemini-2.5-flash" });
  return chat.sendMessage({ message: q });
}
export async function two(q: string) {
  const chat = ai.chats.create({ model: "gemini-2.5-flash", config: { maxOutputTokens: 500 } });
  return chat.sendMessage({ message: q });
}
export async function three(q: string) {
  const chat = ai.chats.create({ model: "gemini-2.5-flash" });
  return chat.sendMessage({ message: q, config: { maxOutputTokens: 500 } });
}
const genAI = new GoogleGenerativeAI(process.env.KEY!);
export async function four(q: string) {
  const model = genAI.getGenerativeModel({ model: "gemini-1.5-flash" });
  const chat = model.startChat({ history: [] });
  return chat.sendMessage(q);
}
export async function five(q: string) {
  const model = genAI.getGenerativeModel({ model: "gemini-1.5-flash", generationConfig: { maxOutputTokens: 100 } });
  return model.startChat({ history: [] }).sendMessage(q);
}
export async function six(q: string) {
  const model = genAI.getGenerativeModel({ model: "gemini-1.5-flash" });
  const chat = model.startChat({ generationConfig: { maxOutputTokens: 100 } });
  return chat.sendMessage(q);
}
"""

PY = """\
from google import genai
from google.genai import types

client = genai.Client()

def one(q):
    chat = client.chats.create(model="gemini-2.5-flash")
    return chat.send_message(q)

def two(q):
    chat = client.chats.create(model="gemini-2.5-flash", config={"max_output_tokens": 200})
    return chat.send_message(q)

def three(q):
    config = types.GenerateContentConfig(max_output_tokens=200)
    return client.chats.create(model="gemini-2.5-flash", config=config).send_message(q)

def four(q):
    chat = client.chats.create(model="gemini-2.5-flash")
    return chat.send_message(q, config={"max_output_tokens": 200})
"""


def test_typescript_chat_sessions():
    findings = lint(TS, path="chat.ts")
    assert lines_of(findings, "RF401") == [6, 20]  # `one` and `four`: no cap anywhere
    messages = [f.message for f in findings if f.rule_id == "RF401"]
    assert "in chats.create or sendMessage" in messages[0]
    assert "in getGenerativeModel or startChat" in messages[1]


def test_python_chat_sessions():
    assert lines_of(lint(PY, path="chat.py"), "RF401") == [8]


def test_a_user_class_with_the_same_method_names_is_not_gemini():
    code = """\
    class Chats:
        def create(self, model):
            return self

        def send_message(self, q):
            return q

    chats = Chats()
    chats.create(model="gemini-2.5-flash").send_message("hi")
    """
    assert lines_of(lint(code, path="mine.py"), "RF401") == []


def test_a_chained_client_built_for_a_local_server_is_seen():
    """`OpenAI(base_url=local).chat.completions.create(...)` in one expression: the receiver
    is the constructor's result (chained calls keep their receiver's origin)."""
    code = """\
    from openai import OpenAI
    r = OpenAI(base_url="http://localhost:11434/v1").chat.completions.create(model="llama3", messages=[])
    r2 = OpenAI().chat.completions.create(model="gpt-4o", messages=[])
    """
    findings = [f for f in lint(code, path="local.py") if f.rule_id == "RF401"]
    assert [(f.span.start_line, f.severity.name) for f in findings] == [(2, "INFO"), (3, "WARNING")]
