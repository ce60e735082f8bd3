"""Runs a directory of torch-engine job files (written by the Java side, one per batch of K
trials) through ``python3 -m optbench_torch run`` exactly as the Java worker starts it: the job's
path in $OPTBENCH_JOB, PYTHONPATH at this package, and from the environment only PATH, HOME, the
locale (and, for the GPU, LD_LIBRARY_PATH and CUDA_VISIBLE_DEVICES). Each job's standard output
is saved as ``<job>.out.jsonl`` (the lines ``optbench`` imports into the store), its standard
error as ``<job>.err.log``; a summary goes to standard output and ``summary.json``.

    python3 python/gpu_study.py JOBS_DIR [--out DIR] [--device cuda] [--data-path PATH] [--layout auto]

--device, --layout and --data-path rewrite those fields of each job (written under --out) for a
machine whose data lives elsewhere than where the jobs were written.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PASSED_ENV = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "XDG_CACHE_HOME", "LD_LIBRARY_PATH",
              "CUDA_VISIBLE_DEVICES")


def start_job(python, job_path, out_dir, name):
    env = {k: v for k, v in os.environ.items() if k in PASSED_ENV or k.startswith("LC_")}
    env["OPTBENCH_JOB"] = job_path
    env["PYTHONPATH"] = HERE
    out_path = os.path.join(out_dir, name + ".out.jsonl")
    err_path = os.path.join(out_dir, name + ".err.log")
    out, err = open(out_path, "w"), open(err_path, "w")
    proc = subprocess.Popen([python, "-m", "optbench_torch", "run"], env=env, stdout=out, stderr=err)
    return {"proc": proc, "files": (out, err), "name": name, "out": out_path, "start": time.time()}


def finish_job(job):
    status = job["proc"].wait()
    for f in job["files"]:
        f.close()
    return summarize(job["name"], job["out"], status, time.time() - job["start"])


def summarize(name, out_path, status, wall):
    counts = {"completed": 0, "diverged": 0, "failed": 0}
    layout = None
    with open(out_path) as f:
        for line in f:
            try:
                obj = json.loads(line)
            except ValueError:  # a crashed process's cut line
                continue
            if "provenance" in obj:
                layout = obj["provenance"].get("layout")
            elif obj.get("status") in counts:
                counts[obj["status"]] += 1
    return {"job": name, "exit": status, "wall_s": round(wall, 2), "layout": layout, **counts,
            "out": out_path}


def report(rows, row):
    rows.append(row)
    print("%-40s exit %d  %6.1f s  completed %d diverged %d failed %d  %s"
          % (row["job"], row["exit"], row["wall_s"], row["completed"], row["diverged"], row["failed"],
             row["layout"]), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="gpu_study.py")
    ap.add_argument("jobs", help="directory of job files (*.json)")
    ap.add_argument("--out", help="where the outputs go (default: the jobs directory)")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--device", choices=("cuda", "cpu"))
    ap.add_argument("--layout", choices=("auto", "stacked", "eager"))
    ap.add_argument("--data-path", help="replace each job's workload.data.path")
    ap.add_argument("--parallel", type=int, default=1, help="jobs running at once on the device (default 1)")
    args = ap.parse_args(argv)
    out_dir = os.path.abspath(args.out or args.jobs)
    os.makedirs(out_dir, exist_ok=True)
    jobs = sorted(p for p in glob.glob(os.path.join(args.jobs, "*.json"))
                  if not p.endswith("summary.json") and not p.endswith(".run.json"))
    if not jobs:
        print("gpu_study.py: no *.json job files in %s" % args.jobs, file=sys.stderr)
        return 2
    started = time.time()
    rows, running = [], []
    for path in jobs:
        path = os.path.abspath(path)
        name = os.path.splitext(os.path.basename(path))[0]
        if args.device or args.layout or args.data_path:
            with open(path) as f:
                job = json.load(f)
            if args.device:
                job["device"] = args.device
            if args.layout:
                job["layout"] = args.layout
            if args.data_path:
                job["workload"]["data"]["path"] = args.data_path
            path = os.path.join(out_dir, os.path.basename(path)[:-5] + ".run.json")
            with open(path, "w") as f:
                json.dump(job, f, indent=1)
        running.append(start_job(args.python, path, out_dir, name))
        while len(running) >= max(1, args.parallel):
            report(rows, finish_job(running.pop(0)))
    while running:
        report(rows, finish_job(running.pop(0)))
    summary = {"jobs": rows, "wall_s": round(time.time() - started, 2)}
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("total wall time %.1f s for %d jobs" % (summary["wall_s"], len(rows)))
    return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
