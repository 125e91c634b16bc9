from fastapi import APIRouter, Depends

from app.deps import get_async_client
from app.settings import settings

router = APIRouter()


@router.post("/chat")
async def chat(question: str, llm=Depends(get_async_client)):
    # No max_tokens: a long or looping answer is billed in full.
    reply = await llm.chat.completions.create(
        model=settings.chat_model,
        messages=[{"role": "user", "content": question}],
    )
    return {"answer": reply.choices[0].message.content}
