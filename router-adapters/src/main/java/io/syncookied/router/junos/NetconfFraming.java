package io.syncookied.router.junos;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * NETCONF message framing, both flavours: RFC 4742 end-of-message ({@code ]]>]]>}, base:1.0, used
 * for the hellos and with peers that only speak 1.0) and RFC 6242 chunked framing ({@code \n#len\n
 * ... \n##\n}, base:1.1). Pure functions over streams, shared by the client and the test device.
 */
public final class NetconfFraming {

	public static final String EOM = "]]>]]>";

	private static final byte[] EOM_BYTES = EOM.getBytes(StandardCharsets.US_ASCII);

	/** Largest chunk we accept (RFC 6242 allows up to 4294967295; nothing we read is near 64 MiB). */
	private static final long MAX_CHUNK = 64L << 20;

	private NetconfFraming() {
	}

	public static byte[] encode(String xml, boolean chunked) {
		byte[] body = xml.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 32);
		if (chunked) {
			out.writeBytes(("\n#" + body.length + "\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(body);
			out.writeBytes("\n##\n".getBytes(StandardCharsets.US_ASCII));
		}
		else {
			out.writeBytes(body);
			out.writeBytes(EOM_BYTES);
		}
		return out.toByteArray();
	}

	/** Reads one message; {@link EOFException} if the peer closed before a complete one. */
	public static String read(InputStream in, boolean chunked) throws IOException {
		return chunked ? readChunked(in) : readEom(in);
	}

	static String readEom(InputStream in) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		int matched = 0;
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("NETCONF peer closed the session before ]]>]]>");
			}
			buf.write(b);
			matched = (b == EOM_BYTES[matched]) ? matched + 1 : (b == EOM_BYTES[0] ? 1 : 0);
			if (matched == EOM_BYTES.length) {
				byte[] all = buf.toByteArray();
				return new String(all, 0, all.length - EOM_BYTES.length, StandardCharsets.UTF_8).strip();
			}
		}
	}

	static String readChunked(InputStream in) throws IOException {
		ByteArrayOutputStream msg = new ByteArrayOutputStream();
		while (true) {
			expect(in, '\n');
			expect(in, '#');
			int c = next(in);
			if (c == '#') {
				expect(in, '\n');
				return msg.toString(StandardCharsets.UTF_8).strip();
			}
			long len = 0;
			while (c != '\n') {
				if (c < '0' || c > '9' || (len == 0 && c == '0')) {
					throw new IOException("NETCONF 1.1 framing: bad chunk size character 0x" + Integer.toHexString(c));
				}
				len = len * 10 + (c - '0');
				if (len > MAX_CHUNK) {
					throw new IOException("NETCONF 1.1 framing: chunk larger than " + MAX_CHUNK + " bytes");
				}
				c = next(in);
			}
			if (len == 0) {
				throw new IOException("NETCONF 1.1 framing: empty chunk size");
			}
			byte[] chunk = in.readNBytes((int) len);
			if (chunk.length != len) {
				throw new EOFException("NETCONF peer closed the session inside a chunk");
			}
			msg.writeBytes(chunk);
		}
	}

	private static int next(InputStream in) throws IOException {
		int c = in.read();
		if (c < 0) {
			throw new EOFException("NETCONF peer closed the session");
		}
		return c;
	}

	private static void expect(InputStream in, char want) throws IOException {
		int c = next(in);
		if (c != want) {
			throw new IOException("NETCONF 1.1 framing: expected '" + (want == '\n' ? "\\n" : want) + "', got 0x"
					+ Integer.toHexString(c));
		}
	}

}
