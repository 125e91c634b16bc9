import OpenAI from "openai";

// One client for the app's chat routes (reused across hot reloads in development).
const globalForOpenAI = globalThis as unknown as { openai?: OpenAI };

export const openai = globalForOpenAI.openai ?? new OpenAI();

if (process.env.NODE_ENV !== "production") globalForOpenAI.openai = openai;
