/**
 * Value types shared by the host agent, the control plane and the dataplane binding: {@link KernelSecrets} (one
 * server's {@code /proc/tcp_secrets} snapshot plus what its agent reports about its TCP stack), {@link SipKey},
 * {@link TsOffsetRule} and {@link IpText}. Plain immutable values: no I/O, no dependencies.
 */
@NullMarked
package io.syncookied.common;

import org.jspecify.annotations.NullMarked;
