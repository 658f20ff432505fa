"""In-process benchmarks comparing flagon with Flask, Bottle and Falcon."""
