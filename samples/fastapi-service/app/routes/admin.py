from fastapi import APIRouter

from app.deps import client
from app.settings import BASE_MODEL, TRAINING_FILE

router = APIRouter()


@router.post("/admin/fine-tune")
def start_fine_tune():
    upload = client.files.create(file=open(TRAINING_FILE, "rb"), purpose="fine-tune")
    job = client.fine_tuning.jobs.create(model=BASE_MODEL, training_file=upload.id)
    return {"job": job.id}
