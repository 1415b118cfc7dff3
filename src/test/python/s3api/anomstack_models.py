"""Anomstack's own S3 model I/O (anomstack/external/aws/s3.py), unchanged: plain boto3 with only AWS_ENDPOINT_URL_S3
pointing at the model store. Saves two training runs of two models of a batch, loads them back, and prints what it
stored as JSON for the test to compare with the REST API.

Usage: python3 anomstack_models.py s3://anomstack-models/models my_batch
"""
import hashlib
import json
import os
import pickle
import sys

import boto3
import numpy


def get_s3_client():
    # As Anomstack does: credentials from its settings, no endpoint_url (boto3 >= 1.28 reads AWS_ENDPOINT_URL_S3).
    return boto3.client(
        "s3",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )


def split_model_path(model_path):
    parts = model_path.replace("s3://", "").split("/")
    return parts[0], "/".join(parts[1:])


def save_models_s3(models, model_path, metric_batch):
    bucket, prefix = split_model_path(model_path)
    s3_client = get_s3_client()
    for metric, model, model_tag in models:
        s3_client.put_object(
            Body=pickle.dumps(model),
            Bucket=bucket,
            Key=f"{prefix}/{metric_batch}/{metric}_{model_tag}.pkl",
        )
    return models


def load_model_s3(metric_name, model_path, metric_batch, model_tag):
    bucket, prefix = split_model_path(model_path)
    s3_client = get_s3_client()
    model_obj = s3_client.get_object(Bucket=bucket, Key=f"{prefix}/{metric_batch}/{metric_name}_{model_tag}.pkl")
    return pickle.loads(model_obj["Body"].read())


def fitted_model(name, run):
    """Stands in for a fitted detector: learned numpy arrays and settings, which the store's pickle scan allows (a
    class of this script's own, __main__.Something, would be refused as code the scorers cannot trust)."""
    return {
        "name": name,
        "components": numpy.arange(200 * 50, dtype=numpy.float64).reshape(200, 50) / 13.0 + run * 1000,
        "contamination": 0.01 * run,
    }


def same(a, b):
    return a.keys() == b.keys() and all(
        numpy.array_equal(a[k], b[k]) if isinstance(a[k], numpy.ndarray) else a[k] == b[k] for k in a)


def main():
    model_path, batch = sys.argv[1], sys.argv[2]
    assert "AWS_ENDPOINT_URL_S3" in os.environ, "the endpoint comes from the environment only"
    stored = []
    for run in (1, 2):
        models = [("cpu_usage", fitted_model("pca", run), "pca_default"),
                  ("cpu_usage", fitted_model("knn", run), "knn_default")]
        save_models_s3(models, model_path, batch)
        for metric, model, tag in models:
            loaded = load_model_s3(metric, model_path, batch, tag)
            assert same(loaded, model), f"{metric}_{tag} came back different after run {run}"
    for metric, model, tag in models:
        stored.append({"metric": metric, "tag": tag, "sha256": hashlib.sha256(pickle.dumps(model)).hexdigest()})
    print(json.dumps({"boto3": boto3.__version__, "models": stored}))


if __name__ == "__main__":
    main()
