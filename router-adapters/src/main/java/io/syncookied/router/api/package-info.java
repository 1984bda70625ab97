/**
 * The router-adapter SPI: divert a protected address (IPv4 or IPv6) to this scrubber on a border router or switch
 * (a static ARP/NDP entry, or a host route), withdraw it, and read it back. Each kind of device is a
 * {@link io.syncookied.router.api.DiversionVendor} in its own package.
 */
@NullMarked
package io.syncookied.router.api;

import org.jspecify.annotations.NullMarked;
