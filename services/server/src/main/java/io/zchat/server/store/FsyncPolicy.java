package io.zchat.server.store;

/** When appended data is forced to the disk; either way it reaches the OS before any reply. */
public enum FsyncPolicy {
    /** Once per group of appends, before their replies are sent. */
    BATCH,
    /** Never: the OS writes back when it likes (survives a process kill, not a power cut). */
    NEVER
}
