r"""Stands in for ``python3 -m optbench_torch run`` when the engine ran on another machine (a lent
GPU machine has no Java): for the job in $OPTBENCH_JOB it prints the lines that machine's engine
printed for the same trials, read from the ``*.out.jsonl`` files (gpu_study.py's output) in the
directory given as its argument, so the Java worker stores them exactly as it stores a live
engine's lines. The worker passes no variables of its own, so the directory goes into a wrapper:

    printf '#!/bin/sh\nexec /usr/bin/python3 %s/python/replay_engine.py %s\n' "$PWD" "$PWD/gpu-out/study" > replay
    chmod +x replay && optbench study run NAME --retry-failed --python ./replay

The provenance line is the recorded one plus ``replayed_from`` (the file). A trial of the job with
no final status in the files makes the process exit 3 after printing the others: as with a
crashed engine, that trial goes back to pending and the rest are stored.
"""
import glob
import json
import os
import sys


def replay(job_path, replay_dir, out=sys.stdout):
    with open(job_path) as f:
        ids = [t["id"] for t in json.load(f)["trials"]]
    wanted = set(ids)
    lines = {i: [] for i in ids}
    finished = set()
    provenance = None
    for path in sorted(glob.glob(os.path.join(replay_dir, "*.out.jsonl"))):
        file_provenance = None
        with open(path) as f:
            for text in f:
                try:
                    obj = json.loads(text)
                except ValueError:  # a crashed engine's cut last line
                    continue
                if "provenance" in obj:
                    file_provenance = dict(obj["provenance"], replayed_from=os.path.basename(path))
                elif obj.get("trial") in wanted:
                    lines[obj["trial"]].append(text.rstrip("\n"))
                    if obj.get("status") in ("completed", "diverged", "failed"):
                        finished.add(obj["trial"])
                    if provenance is None:
                        provenance = file_provenance
    out.write(json.dumps({"provenance": provenance or {"engine": "torch", "replayed_from": "none"}}) + "\n")
    for i in ids:
        for text in lines[i]:
            out.write(text + "\n")
    out.flush()
    return 0 if finished == wanted else 3


if __name__ == "__main__":
    sys.exit(replay(os.environ["OPTBENCH_JOB"], sys.argv[1] if len(sys.argv) > 1 else "."))
