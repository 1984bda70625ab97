package io.syncookied.agent.synack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.syncookied.common.SynAckWindow;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SynAckWindowModelTest {

	/** One cookie SYN-ACK a real kernel sent (a line of synack-vectors.tsv, written by the QEMU harness). */
	record Vector(String release, String ram, int rmemDefault, int rmemMax, int coreRmemMax, int advWinScale, int mtu,
			String rcvbuf, boolean ipv6, boolean ts, int window, String wscale) {

		TcpStack stack() {
			return new TcpStack(WindowRule.forRelease(this.release), this.advWinScale, this.rmemDefault, this.rmemMax,
					this.coreRmemMax, true, false, this.mtu, this.mtu);
		}

		SynAckWindow computed() {
			return this.rcvbuf.equals("default") ? SynAckWindowModel.forDefaultListener(stack())
					: SynAckWindowModel.forListener(stack(), Long.parseLong(this.rcvbuf));
		}

		@Override
		public String toString() {
			return this.release + " " + this.ram + " rcvbuf=" + this.rcvbuf + " ipv" + (this.ipv6 ? 6 : 4) + " ts="
					+ this.ts;
		}

	}

	static List<Vector> vectors() throws IOException {
		List<Vector> list = new ArrayList<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
				SynAckWindowModelTest.class.getResourceAsStream("/synack-vectors.tsv")), StandardCharsets.US_ASCII))) {
			String line;
			while ((line = r.readLine()) != null) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				String[] f = line.split("\t");
				String[] rmem = f[2].split(" ");
				list.add(new Vector(f[0], f[1], Integer.parseInt(rmem[1]), Integer.parseInt(rmem[2]),
						Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), f[6], f[7].equals("6"),
						f[8].equals("1"), Integer.parseInt(f[9]), f[10]));
			}
		}
		return list;
	}

	@Test
	void everySynAckOfTheRealKernelsIsComputed() throws IOException {
		List<Vector> vectors = vectors();
		// 6.1 and 6.12, three RAM sizes, default and locked buffers
		assertThat(vectors).extracting(v -> v.release().substring(0, 4)).contains("6.1.", "6.12");
		assertThat(vectors.stream().map(Vector::rmemMax).distinct()).hasSizeGreaterThanOrEqualTo(3);
		for (Vector v : vectors) {
			SynAckWindow w = v.computed();
			assertThat(w.window(v.ipv6(), v.ts())).as("window of %s", v).isEqualTo(v.window());
			// a cookie SYN-ACK without timestamps carries no window scale (the cookie cannot encode it)
			assertThat(v.ts() ? Integer.toString(w.wscale()) : "none").as("wscale of %s", v).isEqualTo(v.wscale());
		}
	}

	@Test
	void theVectorsCoverDifferentScalesFromDifferentMemorySizes() throws IOException {
		assertThat(vectors()).filteredOn(v -> v.rcvbuf().equals("default") && v.ts())
			.extracting(Vector::wscale)
			.contains("5", "6", "7");
	}

	/** The familiar Linux SYN-ACK (1500 MTU, 6 MB tcp_rmem[2], 212992 rmem_max): 64240, 65160 with TS, scale 7. */
	@Test
	void aStockServerOnEthernet() {
		TcpStack stack = new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 6291456, 212992, true, false, 1500, 1500);
		assertThat(SynAckWindowModel.forDefaultListener(stack)).isEqualTo(new SynAckWindow(7, 64240, 65160, 64800, 64260));
		TcpStack v612 = new TcpStack(WindowRule.forRelease("6.12.117+deb12-amd64"), 1, 131072, 6291456, 212992, true,
				false, 1500, 1500);
		assertThat(SynAckWindowModel.forDefaultListener(v612)).isEqualTo(new SynAckWindow(7, 64240, 65160, 64800, 64260));
	}

	@Test
	void rmemMaxCanSetTheScale() {
		TcpStack stack = new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 1585088, 16 << 20, true, false, 1500, 1500);
		assertThat(SynAckWindowModel.forDefaultListener(stack).wscale()).isEqualTo(9);
	}

	@Test
	void aLockedBufferClampsTheScale() {
		TcpStack stack = new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 6291456, 212992, true, false, 1500, 1500);
		// SO_RCVBUF 32768: sk_rcvbuf 65536, space 32768, clamp 32768: ilog2(32768) - 15 = 0
		assertThat(SynAckWindowModel.forListener(stack, 65536)).isEqualTo(new SynAckWindow(0, 32120, 31856, 31680, 31416));
		// the same buffer unlocked would keep the sysctls' scale
		assertThat(SynAckWindowModel.compute(stack, 65536, false).wscale()).isEqualTo(7);
	}

	@Test
	void windowScalingOffAndTheSignedWindowWorkaround() {
		TcpStack stack = new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 6291456, 212992, false, true, 1500, 1500);
		assertThat(SynAckWindowModel.forDefaultListener(stack)).isEqualTo(new SynAckWindow(0, 32767, 32767, 32767, 32767));
	}

	@Test
	void theAdvWinScaleSysctlCountsOnlyBefore66() {
		TcpStack old = new TcpStack(WindowRule.ADV_WIN_SCALE, 2, 131072, 6291456, 212992, true, false, 1500, 1500);
		TcpStack current = new TcpStack(WindowRule.SCALING_RATIO, 2, 131072, 6291456, 212992, true, false, 1500, 1500);
		// scale 2: three quarters of the buffer, 98304, above 65535; the ratio ignores the sysctl: half
		assertThat(SynAckWindowModel.forDefaultListener(old).window4()).isEqualTo(65535);
		assertThat(SynAckWindowModel.forDefaultListener(current).window4()).isEqualTo(64240);
		TcpStack negative = new TcpStack(WindowRule.ADV_WIN_SCALE, -2, 131072, 6291456, 212992, true, false, 1500, 1500);
		assertThat(SynAckWindowModel.forDefaultListener(negative).window4()).isEqualTo(32120); // 32768 in 1460s
	}

	@Test
	void jumboFramesAndSmallMtus() {
		TcpStack jumbo = new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 6291456, 212992, true, false, 9000, 9000);
		// 65536 rounded to 8960-byte (8948 with TS) segments
		assertThat(SynAckWindowModel.forDefaultListener(jumbo)).isEqualTo(new SynAckWindow(7, 62720, 62636, 62580, 62496));
		TcpStack tunnel = new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 6291456, 212992, true, false, 576, 1280);
		assertThat(SynAckWindowModel.forDefaultListener(tunnel).window4()).isEqualTo(65536 - 65536 % 536);
		assertThat(SynAckWindowModel.forDefaultListener(tunnel).window6()).isEqualTo(65536 - 65536 % 1220);
	}

	@Test
	void kernelReleases() {
		assertThat(WindowRule.forRelease("6.1.0-57-amd64")).isEqualTo(WindowRule.ADV_WIN_SCALE);
		assertThat(WindowRule.forRelease("5.10.0-30-amd64")).isEqualTo(WindowRule.ADV_WIN_SCALE);
		assertThat(WindowRule.forRelease("6.6.1")).isEqualTo(WindowRule.SCALING_RATIO);
		assertThat(WindowRule.forRelease("6.12.117+deb12-amd64\n")).isEqualTo(WindowRule.SCALING_RATIO);
		assertThat(WindowRule.forRelease("7.0.0")).isEqualTo(WindowRule.SCALING_RATIO);
		assertThatThrownBy(() -> WindowRule.forRelease("linux")).hasMessageContaining("osrelease")
			.hasMessageContaining("'linux'");
	}

	@Test
	void implausibleInputsAreRefusedByName() {
		assertThatThrownBy(() -> new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 6291456, 212992, true, false, 100, 1500))
			.hasMessageContaining("mtu");
		assertThatThrownBy(() -> new TcpStack(WindowRule.ADV_WIN_SCALE, 40, 131072, 6291456, 212992, true, false, 1500,
				1500))
			.hasMessageContaining("tcp_adv_win_scale");
		assertThatThrownBy(() -> new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 0, 6291456, 212992, true, false, 1500, 1500))
			.hasMessageContaining("tcp_rmem");
	}

}
