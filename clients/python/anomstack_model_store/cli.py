"""``python -m anomstack_model_store``: upload, download, list, roll back and delete model versions.

Exit codes: 0 success, 1 the service refused the request (its problem detail is printed) or a digest did not match,
2 bad usage, 3 the service could not be reached. A ``download`` that falls back to a stale cached copy (the service
unreachable or failing, see ``--max-stale``) prints its path, says so on standard error and exits 0.
"""

import argparse
import json
import os
import sys
import warnings
from typing import List, Optional

from .client import API_KEY_ENV, MAX_STALE_ENV, URL_ENV, ModelStoreClient, ModelVersion, parse_max_stale_age
from .errors import ConnectionFailed, ModelStoreError, StaleModelWarning
from .progress import ProgressBar

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
PROGRESS_THRESHOLD = 1 << 20


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        client = ModelStoreClient(args.url, args.api_key, timeout=args.timeout, cache_dir=args.cache_dir,
                                  max_stale_age=args.max_stale)
        with warnings.catch_warnings():
            # A stale download says so in its status line (and the client logs it): no Python warning on top.
            warnings.simplefilter("ignore", StaleModelWarning)
            return args.run(client, args)
    except ConnectionFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except ModelStoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_REFUSED
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _upload(client: ModelStoreClient, args: argparse.Namespace) -> int:
    metadata = json.loads(args.metadata) if args.metadata else None
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("--metadata must be a JSON object, such as '{\"n_components\": 3}'.")
    bar = _progress_bar(args, "upload", None if args.file == "-" else os.path.getsize(args.file))
    try:
        source = sys.stdin.buffer if args.file == "-" else args.file
        stored = client.upload(args.batch, args.metric, source, metadata=metadata, tag=args.tag, progress=bar,
                               sha256=args.sha256)
    finally:
        if bar:
            bar.finish()
    _print_json(stored.raw)
    return 0


def _download(client: ModelStoreClient, args: argparse.Namespace) -> int:
    bar = _progress_bar(args, "download", None)
    try:
        if args.version:
            downloaded = client.download_version(args.batch, args.metric, args.version, tag=args.tag,
                                                 dest=args.output, progress=bar)
        else:
            downloaded = client.download_latest(args.batch, args.metric, tag=args.tag, dest=args.output,
                                                progress=bar)
    finally:
        if bar:
            bar.finish()
    if downloaded.stale:
        source = f"STALE cached copy: the service failed: {downloaded.error}"
    else:
        source = "cached copy, unchanged" if downloaded.from_cache else "downloaded"
    print(f"version {downloaded.version}, {downloaded.size} bytes, sha256 {downloaded.sha256} ({source})",
          file=sys.stderr)
    print(downloaded.path)
    return 0


def _versions(client: ModelStoreClient, args: argparse.Namespace) -> int:
    versions = client.list_versions(args.batch, args.metric, tag=args.tag, limit=args.limit)
    if args.json:
        _print_json([version.raw for version in versions])
        return 0
    for version in versions:
        print(f"{version.version}  {version.created_at:30}  {version.size_bytes:>14}  {version.sha256}"
              + _safety(version) + ("  pinned" if version.pinned else ""))
    return 0


def _safety(version) -> str:
    """The pickle verdict and the scikit-learn and PyOD versions the model was trained with, when known."""
    verdict = (version.raw.get("pickle") or {}).get("verdict")
    trained = version.metadata.get("training_environment") if isinstance(version.metadata, dict) else None
    trained = trained if isinstance(trained, dict) else {}
    fields = [f"pickle={verdict}"] if verdict else []
    fields += [f"{name}={trained[name]}" for name in ("sklearn", "pyod") if trained.get(name)]
    return "".join("  " + field for field in fields)


def _rollback(client: ModelStoreClient, args: argparse.Namespace) -> int:
    _print_json(client.rollback(args.batch, args.metric, args.version, tag=args.tag).raw)
    return 0


def _delete(client: ModelStoreClient, args: argparse.Namespace) -> int:
    client.delete_version(args.batch, args.metric, args.version, tag=args.tag)
    return 0


def _progress_bar(args: argparse.Namespace, label: str, size: Optional[int]) -> Optional[ProgressBar]:
    """A bar when asked for (--progress), or by default on a terminal for transfers over 1 MiB."""
    if args.progress is False:
        return None
    if args.progress is None and (not sys.stderr.isatty() or (size is not None and size < PROGRESS_THRESHOLD)):
        return None
    return ProgressBar(sys.stderr, label)


def _max_stale(text: str) -> float:
    try:
        return parse_max_stale_age(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _print_json(value: object) -> None:
    json.dump(value, sys.stdout, indent=2)
    print()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m anomstack_model_store",
                                     description="Upload, download and manage model versions in the model store.",
                                     epilog="Exit codes: 0 success, 1 refused by the service or digest mismatch, "
                                            "2 bad usage, 3 service unreachable.")
    parser.add_argument("--url", default=os.environ.get(URL_ENV),
                        help=f"the service's base URL, such as http://model-store:8080 (default ${URL_ENV})")
    parser.add_argument("--api-key", default=None, help=f"API key (default ${API_KEY_ENV})")
    parser.add_argument("--timeout", type=float, default=60.0, help="socket timeout in seconds (default 60)")
    parser.add_argument("--cache-dir", default=None, help="download cache (default ~/.cache/anomstack-model-store)")
    parser.add_argument("--max-stale", type=_max_stale, default=None, metavar="AGE",
                        help="when the service is unreachable or answers 5xx, download prints the cached copy if the "
                             "service confirmed it within AGE (seconds, or 30m, 24h, 2d; 0: never; default "
                             f"${MAX_STALE_ENV}, else 24h)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("batch", help="metric batch")
        sub.add_argument("metric", help="metric name")
        sub.add_argument("--tag", default=None, help="model tag (Anomstack's model_tag)")
        sub.set_defaults(run=run)
        return sub

    def progress_flags(sub: argparse.ArgumentParser) -> None:
        flags = sub.add_mutually_exclusive_group()
        flags.add_argument("--progress", dest="progress", action="store_true", default=None,
                           help="show a progress bar on stderr (default: on a terminal, over 1 MiB)")
        flags.add_argument("--no-progress", dest="progress", action="store_false", help="never show one")

    upload = command("upload", _upload, "upload a model file as the new latest version; prints its descriptor")
    upload.add_argument("file", help="the model file, or - for standard input (sent chunked)")
    upload.add_argument("--metadata", help="a JSON object kept with the version")
    upload.add_argument("--sha256", help="the file's SHA-256, when known (skips the client's hashing pass)")
    progress_flags(upload)

    download = command("download", _download, "download the latest (or one) version; prints the file's path")
    download.add_argument("--version", help="a version id instead of the latest")
    download.add_argument("-o", "--output", help="file or existing directory to write to (default: only the cache)")
    progress_flags(download)

    versions = command("versions", _versions, "list a model's versions, newest first")
    versions.add_argument("--limit", type=int, help="at most this many")
    versions.add_argument("--json", action="store_true", help="print the descriptors as JSON")

    rollback = command("rollback", _rollback, "make an older version latest until the next upload")
    rollback.add_argument("version", help="the version id to make latest")

    delete = command("delete", _delete, "delete one version")
    delete.add_argument("version", help="the version id to delete")
    return parser
