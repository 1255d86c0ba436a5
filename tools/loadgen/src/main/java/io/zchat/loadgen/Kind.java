package io.zchat.loadgen;

/** The request kinds a run mixes. */
public enum Kind {
    PUBLISH, MESSAGE, HISTORY
}
