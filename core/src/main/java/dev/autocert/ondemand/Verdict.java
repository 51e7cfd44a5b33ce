package dev.autocert.ondemand;

/** What the approval of one name said. */
enum Verdict {
    /** Approved: the name may be ordered. */
    APPROVED,
    /** Refused by the allow-list, the predicate or the ask endpoint. */
    REFUSED,
    /** The ask endpoint did not answer (down, timeout): refused for a new name, not held against a stored one. */
    UNREACHABLE
}
