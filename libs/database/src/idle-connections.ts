/**
 * How long the service's pools keep a connection nobody is using: 5 minutes, not node-postgres's
 * 10 seconds. A new PostgreSQL backend starts cold: its caches are empty and every shared buffer
 * it reads is mapped into it on first touch, which costs far more than the read (PostgreSQL 15 on
 * this project's 2-core machine: a first pass over mig_data_live_agents in a new session 234 ms,
 * the second 12 ms). With connections dropped after 10 s of quiet, an operator's question after a
 * pause, or the periodic statistics job, ran on a new backend every time: at 21 million agent rows
 * the bench saw the statistics snapshot at 1.1–3.5 s on such a backend against 0.77 s on a warm
 * one. Kept for 5 minutes, the pool's few connections stay warm between the calls of any fleet in
 * service and are still given back by a service left idle.
 */
export const IDLE_CONNECTION_KEEP_MS = 300_000;
