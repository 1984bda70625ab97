package io.syncookied.dataplane.cookie;

/**
 * A SYN cookie as the kernel makes it.
 *
 * @param isn      the SYN-ACK's initial sequence number (unsigned 32-bit)
 * @param mssIndex index into the family's MSS table that the cookie encodes (0..3)
 * @param mss      the table MSS the cookie encodes
 */
public record Cookie(long isn, int mssIndex, int mss) {
}
