/**
 * The host agent daemon: reads the kernel's cookie secrets, clock, TCP counters and sysctls under a proc root,
 * and sends them to the control plane over the telemetry protocol. Plain Netty and the JDK, no Spring.
 */
@NullMarked
package io.syncookied.agent;

import org.jspecify.annotations.NullMarked;
