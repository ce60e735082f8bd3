"""A stand-in for the torch engine that speaks its process protocol (docs/external-trials.md,
"The torch engine") without torch: used by TorchRunnerTest. Usage: fake_engine.py DIR -m optbench_torch run.
It appends one line to DIR/runs per start, copies the job to DIR/job-N.json, and per trial:
label sgd completes, momentum fails alone, adam diverges; with DIR/crash present, every trial but
sgd is left without a final status and the process exits 3; with DIR/hang present, every trial but
sgd is left without one and the process then waits for ever (until the worker's --trial-timeout)."""
import json
import os
import sys
import threading

d = sys.argv[1]
assert sys.argv[2:] == ["-m", "optbench_torch", "run"], sys.argv
with open(os.path.join(d, "runs"), "a") as f:
    f.write("run\n")
n = sum(1 for _ in open(os.path.join(d, "runs")))
job = json.load(open(os.environ["OPTBENCH_JOB"]))
with open(os.path.join(d, "job-%d.json" % n), "w") as f:
    json.dump({"job": job, "env": sorted(os.environ)}, f)
print(json.dumps({"provenance": {"engine": "torch", "torch": "fake-1.0", "cuda": None, "cudnn": None,
                                 "device": "cpu", "layout": "eager K=%d" % len(job["trials"])}}), flush=True)
crash = os.path.exists(os.path.join(d, "crash"))
hang = os.path.exists(os.path.join(d, "hang"))
steps = job["workload"]["steps"]
for t in job["trials"]:
    tid, label = t["id"], t["optimizer"]
    print(json.dumps({"trial": tid, "step": 1, "train_loss": 2.0}))
    if label == "sgd":
        print(json.dumps({"trial": tid, "step": steps, "train_loss": 0.5, "train_eval_loss": 0.45,
                          "train_eval_error": 0.125, "validation_loss": 0.55, "validation_error": 0.25,
                          "test_loss": 0.6, "test_error": 0.375}))
        print(json.dumps({"trial": tid, "status": "completed"}))
    elif crash or hang:
        continue
    elif label == "momentum":
        print(json.dumps({"trial": tid, "status": "failed", "message": "boom in momentum"}))
    elif label == "adam":
        print(json.dumps({"trial": tid, "step": 2, "train_loss": float("nan")}))
        print(json.dumps({"trial": tid, "status": "diverged"}))
    else:
        print(json.dumps({"trial": tid, "step": steps, "validation_error": 0.5}))
        print(json.dumps({"trial": tid, "status": "completed"}))
sys.stdout.flush()
if hang:
    threading.Event().wait()
sys.exit(3 if crash else 0)
