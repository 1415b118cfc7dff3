"""boto3 with its default configuration, as users run it: checksum trailers on uploads, multipart upload_fileobj
and ranged, parallel download_fileobj for a model above the 8 MB threshold, listings. Prints the model's SHA-256 and
version ids as JSON.

Usage: python3 boto3_transfers.py BUCKET KEY SIZE_BYTES
"""
import hashlib
import io
import json
import os
import sys

import boto3


def main():
    bucket, key, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s3 = boto3.client("s3")
    body = os.urandom(size)
    s3.upload_fileobj(io.BytesIO(body), bucket, key)
    out = io.BytesIO()
    s3.download_fileobj(bucket, key, out)
    assert out.getvalue() == body, "download_fileobj returned other bytes"
    small = b"small model"
    put = s3.put_object(Bucket=bucket, Key=key, Body=small)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == small
    prefix = key.rsplit("/", 1)[0] + "/"
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]
    print(json.dumps({
        "sha256": hashlib.sha256(body).hexdigest(),
        "listed": listed,
        "versions": [v["VersionId"] for v in versions],
        "latest": put["VersionId"],
    }))


if __name__ == "__main__":
    main()
