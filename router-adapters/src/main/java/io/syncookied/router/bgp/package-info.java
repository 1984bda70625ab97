/**
 * BGP diversion: this scrubber's own GoBGP speaker ({@code gobgpd}) announces the protected address as a /32 or /128
 * with this scrubber as next hop, and withdraws it on restore; read-back is GoBGP's adj-rib-out towards the router.
 * Several scrubbers announcing the same route give the router one ECMP next hop each.
 */
@NullMarked
package io.syncookied.router.bgp;

import org.jspecify.annotations.NullMarked;
