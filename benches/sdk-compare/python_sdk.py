"""The official Python SDK doing the work of benches/sdk_compare.rs: signing a create request
N times in-process, then N/4 sequential describe calls against the emulator (through it as
an HTTP proxy, so the SDK builds its usual https-less CI URL and Host)."""
import os
import sys
import time

sys.path.insert(0, os.environ["SDK_PY_PATH"])
from qcloud_cos import CosConfig, CosS3Client  # noqa: E402

n = int(os.environ.get("SDK_COMPARE_N", "2000"))
bucket = "examplebucket-1250000000"
config = CosConfig(
    Region="ap-guangzhou",
    SecretId=os.environ["SDK_COMPARE_SECRET_ID"],
    SecretKey=os.environ["SDK_COMPARE_SECRET_KEY"],
    Scheme="http",
    Proxies={"http": os.environ["SDK_COMPARE_ENDPOINT"]},
)
client = CosS3Client(config, retry=0)


def median_of_passes(n, op):
    """Five timed passes of n // 5 operations; the median pass, in microseconds per operation."""
    per_pass = max(n // 5, 1)
    passes = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(per_pass):
            op()
        passes.append((time.perf_counter() - start) * 1e6 / per_pass)
    return sorted(passes)[2]


def sign():
    return client.get_auth(
        Method="POST",
        Bucket=bucket,
        Key="/inventorytriggerjob",
        Expired=900,
        Headers={"Content-Type": "application/xml", "Content-Length": "619"},
        UseCiEndPoint=True,
    )


assert sign().startswith("q-sign-algorithm=sha1&")
for _ in range(n):
    sign()
sign_us = median_of_passes(n, sign)

job_id = os.environ["SDK_COMPARE_JOB_ID"]
calls = n // 4
answer = client.ci_get_inventory_trigger_jobs(Bucket=bucket, JobID=job_id)
assert answer["JobsDetail"][0]["JobId"] == job_id if isinstance(answer["JobsDetail"], list) else answer["JobsDetail"]["JobId"] == job_id, answer
for _ in range(calls // 4):
    client.ci_get_inventory_trigger_jobs(Bucket=bucket, JobID=job_id)
describe_us = median_of_passes(calls, lambda: client.ci_get_inventory_trigger_jobs(Bucket=bucket, JobID=job_id))
print(f"python sign_us={sign_us:.3f} describe_us={describe_us:.1f}")
