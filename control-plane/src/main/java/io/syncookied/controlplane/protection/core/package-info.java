/**
 * The protection core: a pure transition function {@code (state, event) -> (state, commands)} for every protected
 * IP. No I/O, no clock, no threads: time comes in with every event, and every effect (dataplane and router steps,
 * journal lines, operator events) leaves as a command that the shell ({@code protection}) executes, feeding the
 * outcome back as an event. The same function can run over state kept elsewhere (etcd in a cluster).
 */
@NullMarked
package io.syncookied.controlplane.protection.core;

import org.jspecify.annotations.NullMarked;
