"""`python -m bench.servers`: two or more ways of serving the app, compared under the same load.

The machine's speed moves by half between runs minutes apart, so set-ups measured one after
the other compare the machine as much as the set-ups. Here every set-up (`dashboard run` with
balanced workers, uvicorn's own `--workers`, any worker count) serves the same clone of the
cached template at once, and short wrk runs alternate between them, the order reversed every
round. The table gives the median of the rounds per set-up and scenario, with every p95.

    .venv/bin/python -m bench.servers --setups uvicorn:2 dashboard:2 --rounds 5 --seconds 4 \\
        --only departments_list students_page1 students_search students_search_rare
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys

from bench.runner import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    SERVERS,
    Result,
    _admin_execute,
    app_environment,
    app_server_command,
    clone_template,
    ensure_wrk,
    free_port,
    log,
    login_tokens,
    prepare_template,
    run_wrk,
    scenario_parameters,
    scenarios,
    serve,
)

DEFAULT_SCENARIOS = ("departments_list", "students_page1", "students_search", "students_search_rare")


def setup(text: str) -> tuple[str, int]:
    server, _, workers = text.partition(":")
    if server not in SERVERS or not workers.isdigit() or int(workers) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected one of {', '.join(SERVERS)}, a colon, a worker count")
    return server, int(workers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.servers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setups", type=setup, nargs="+", default=[("uvicorn", 2), ("dashboard", 2)],
                        help="server:workers, e.g. uvicorn:2 dashboard:2 dashboard:1")
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", nargs="*", default=list(DEFAULT_SCENARIOS))
    args = parser.parse_args(argv)

    from dashboard.demo.generate import DEMO_LOGINS, DEMO_PASSWORD

    wrk = ensure_wrk()
    base_db = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    template = asyncio.run(prepare_template(base_db, args.students, args.seed))
    clone = f"bench_servers_{os.getpid()}"
    db_url = asyncio.run(clone_template(base_db, template, clone))
    params = asyncio.run(scenario_parameters(db_url))
    chosen = [s for s in scenarios(params, DEMO_LOGINS, DEMO_PASSWORD) if s.name in args.only]
    env = app_environment(db_url, redis_url)
    labels = [f"{server}:{workers}" for server, workers in args.setups]
    results: dict[tuple[str, str], list[Result]] = {}
    try:
        with contextlib.ExitStack() as stack:
            bases = []
            for server, workers in args.setups:
                port = free_port()
                base, _ = stack.enter_context(serve(app_server_command(server, port, workers), env, port,
                                                    ready_path="/health/ready"))
                bases.append(base)
            tokens = login_tokens(bases[0], DEMO_LOGINS, DEMO_PASSWORD)
            for round_number in range(args.rounds):
                order = list(zip(labels, bases, strict=True))
                if round_number % 2:
                    order.reverse()
                for scenario in chosen:
                    for label, base in order:
                        result = run_wrk(wrk, base, scenario, label, tokens.get(scenario.role or ""),
                                         args.seconds, args.concurrency)
                        if result.failed:
                            raise RuntimeError(f"{label} {scenario.name}: {result.non_2xx} non-2xx answers")
                        results.setdefault((scenario.name, label), []).append(result)
                        log(f"round {round_number + 1} {scenario.name:<22} {label:<12} "
                            f"{result.rps:>7.0f} rps  p95 {result.p95_ms:.1f} ms")
    finally:
        asyncio.run(_admin_execute(base_db, f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)'))

    print(f"\nMedian of {args.rounds} interleaved rounds, {args.seconds:g} s each at concurrency "
          f"{args.concurrency}, {args.students} students\n")
    print("| scenario | set-up | rps | p50 ms | p95 ms | every p95 ms |")
    print("|---|---|---:|---:|---:|---|")
    for scenario in chosen:
        for label in labels:
            runs = results[(scenario.name, label)]
            every = ", ".join(f"{r.p95_ms:.1f}" for r in runs)
            print(f"| {scenario.name} | {label} | {statistics.median(r.rps for r in runs):.0f} "
                  f"| {statistics.median(r.p50_ms for r in runs):.1f} "
                  f"| {statistics.median(r.p95_ms for r in runs):.1f} | {every} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
