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


class FittedModel:
    """Stands in for a fitted PyOD detector: some learned arrays and settings."""

    def __init__(self, name, run):
        self.name = name
        self.components = [[(run * 1000 + i * 7 + j) / 13.0 for j in range(50)] for i in range(200)]
        self.contamination = 0.01 * run

    def __eq__(self, other):
        return vars(self) == vars(other)


def main():
    model_path, batch = sys.argv[1], sys.argv[2]
    assert "AWS_ENDPOINT_URL_S3" in os.environ, "the endpoint comes from the environment only"
    stored = []
    for run in (1, 2):
        models = [("cpu_usage", FittedModel("pca", run), "pca_default"),
                  ("cpu_usage", FittedModel("knn", run), "knn_default")]
        save_models_s3(models, model_path, batch)
        for metric, model, tag in models:
            loaded = load_model_s3(metric, model_path, batch, tag)
            assert loaded == model, f"{metric}_{tag} came back different after run {run}"
    for metric, model, tag in models:
        stored.append({"metric": metric, "tag": tag, "sha256": hashlib.sha256(pickle.dumps(model)).hexdigest()})
    print(json.dumps({"boto3": boto3.__version__, "models": stored}))


if __name__ == "__main__":
    main()
