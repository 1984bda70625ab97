/**
 * The router-adapter SPI: push and withdraw a static ARP override (protected IP to firewall
 * MAC) on a border router or switch, and read it back.
 */
@NullMarked
package io.syncookied.router.api;

import org.jspecify.annotations.NullMarked;
