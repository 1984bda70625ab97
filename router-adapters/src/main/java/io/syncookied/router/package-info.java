/**
 * Router adapters: static ARP diversion on Linux ({@code ip neigh}), Junos (NETCONF) and over SNMP,
 * verified by read-back and guarded per target by Resilience4j. Start at {@link DiversionAdapters}.
 */
@NullMarked
package io.syncookied.router;

import org.jspecify.annotations.NullMarked;
