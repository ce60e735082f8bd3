"""python3 -m optbench_torch run: trains the job named by $OPTBENCH_JOB (torch-protocol.md)."""
import sys


def main(argv):
    if len(argv) < 1 or argv[0] not in ("run", "bench"):
        print("usage: python3 -m optbench_torch run   (the job file is named by $OPTBENCH_JOB)\n"
              "       python3 -m optbench_torch bench [--smoke] [--out FILE] ...", file=sys.stderr)
        return 2
    if argv[0] == "bench":
        from . import bench
        return bench.main(argv[1:])
    from . import trial
    return trial.main_run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
