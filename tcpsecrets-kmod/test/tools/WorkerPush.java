import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.syncookied.agent.TcpSecretsFile;
import io.syncookied.agent.TcpSecretsParser;
import io.syncookied.agent.synack.SynAckWindowModel;
import io.syncookied.agent.synack.TcpProfileReader;
import io.syncookied.agent.synack.TcpStack;
import io.syncookied.common.KernelSecrets;
import io.syncookied.common.SynAckWindow;
import io.syncookied.common.TcpProfile;
import io.syncookied.dataplane.DpHost;
import io.syncookied.dataplane.SocketDataplane;
import io.syncookied.telemetry.ClockSample;
import io.syncookied.telemetry.Sysctls;

/**
 * WorkerPush SOCKET SECRETS_FILE SAMPLED_AT_MS PROC_ROOT SYS_ROOT MAC IP... [--port PORT:RCVBUF]...
 *
 * The QEMU harness's stand-in for the agent and the control plane, with their own code: the guest's
 * /proc/tcp_secrets (read at SAMPLED_AT_MS, wall clock) and the SYN-ACK profile the agent computes from a copy of the
 * guest's sysctls and MTU (TcpProfileReader, SynAckWindowModel; --port adds a listener with its own buffer, as
 * sock_diag would report it) become the KernelSecrets that the control plane hands the worker, and
 * SocketDataplane sends them with the hosts over the worker protocol, as the control plane does. Only the telemetry
 * datagrams in between are left out (their codec has its own tests). Prints the profile it sent.
 */
public final class WorkerPush {

	public static void main(String[] args) throws Exception {
		Path socket = Path.of(args[0]);
		String text = Files.readString(Path.of(args[1]));
		long sampledAtMs = Long.parseLong(args[2]);
		TcpStack stack = new TcpProfileReader(Path.of(args[3]), Path.of(args[4])).readStack();
		String mac = args[5];
		Map<Integer, SynAckWindow> byPort = new HashMap<>();
		java.util.List<InetAddress> ips = new java.util.ArrayList<>();
		for (int i = 6; i < args.length; i++) {
			if (args[i].equals("--port")) {
				String[] pr = args[++i].split(":");
				byPort.put(Integer.parseInt(pr[0]), SynAckWindowModel.forListener(stack, Long.parseLong(pr[1])));
			}
			else {
				ips.add(InetAddress.getByName(args[i]));
			}
		}
		TcpProfile profile = new TcpProfile(SynAckWindowModel.forDefaultListener(stack), byPort);
		TcpSecretsFile f = TcpSecretsParser.parse(text);
		ClockSample clock = new ClockSample(f.jiffies(), f.hz(), f.count(), f.tcpClockMs(), sampledAtMs);
		Sysctls sysctls = new Sysctls(value(f, "tcp_syncookies"), value(f, "tcp_timestamps"), value(f, "tcp_sack"),
				value(f, "tcp_window_scaling"), value(f, "tcp_ecn"), Sysctls.ABSENT, Sysctls.ABSENT, f.overflowHook());
		KernelSecrets secrets = f.secrets().toKernelSecrets(clock, sysctls, Instant.ofEpochMilli(sampledAtMs), profile);
		try (SocketDataplane dp = SocketDataplane.connect(socket, Duration.ofSeconds(5), Clock.systemUTC())) {
			for (InetAddress ip : ips) {
				dp.setHost(DpHost.of(ip, mac));
				dp.setSecrets(ip, secrets);
			}
		}
		System.out.println("pushed " + ips + " with " + profile);
	}

	private static int value(TcpSecretsFile f, String key) {
		Long v = f.values().get(key);
		return (v != null) ? v.intValue() : Sysctls.ABSENT;
	}

}
