"""optbench's PyTorch engine: ``python3 -m optbench_torch run`` trains the K trials of the job file
named by $OPTBENCH_JOB and prints the tagged JSON lines of the torch process protocol."""
