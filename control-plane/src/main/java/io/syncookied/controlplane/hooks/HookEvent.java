package io.syncookied.controlplane.hooks;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.syncookied.controlplane.events.ControlEvent;

/**
 * One event as a hook gets it: the same {@code id} for the script and the webhook and for every retry, so a receiver
 * can drop a repeat; a gap in {@code sequence} means events that did not reach this receiver.
 *
 * @param id unique per event (a UUID)
 * @param sequence counts the events queued for this receiver since the control plane started, from 1 (0: not yet
 *        queued)
 * @param node the name of the machine the control plane runs on
 */
record HookEvent(String id, long sequence, HookEventType type, String node, ControlEvent event) {

	/** The version of the JSON below; a field is only ever added within one version. */
	static final int VERSION = 1;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The event as JSON: {@code version}, {@code id}, {@code sequence}, {@code type}, {@code node}, then the event's
	 * own fields as the SSE stream sends them (for {@code state}: {@code at}, {@code ip}, {@code from}, {@code to},
	 * {@code reason}, {@code mitigationId}).
	 */
	byte[] json() {
		ObjectNode out = JSON.createObjectNode();
		out.put("version", VERSION);
		out.put("id", this.id);
		out.put("sequence", this.sequence);
		out.put("type", this.type.wireName());
		out.put("node", this.node);
		ObjectNode fields = JSON.valueToTree(this.event);
		out.setAll(fields);
		return JSON.writeValueAsString(out).getBytes(StandardCharsets.UTF_8);
	}

	/** The same event with this receiver's sequence number. */
	HookEvent numbered(long n) {
		return new HookEvent(this.id, n, this.type, this.node, this.event);
	}

	/** The variables a script gets besides the JSON, for scripts that need no JSON parser. */
	Map<String, String> environment() {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("SYNCOOKIED_EVENT_TYPE", this.type.wireName());
		env.put("SYNCOOKIED_EVENT_ID", this.id);
		env.put("SYNCOOKIED_EVENT_SEQUENCE", Long.toString(this.sequence));
		if (this.event instanceof ControlEvent.StateChanged s) {
			env.put("SYNCOOKIED_IP", s.ip());
			env.put("SYNCOOKIED_STATE_FROM", s.from());
			env.put("SYNCOOKIED_STATE_TO", s.to());
		}
		else if (this.event instanceof ControlEvent.Alert a && a.ip() != null) {
			env.put("SYNCOOKIED_IP", a.ip());
		}
		else if (this.event instanceof ControlEvent.Detection d) {
			env.put("SYNCOOKIED_IP", d.ip());
		}
		return env;
	}

	/** One line for logs: what the event is about, never its free text. */
	String summary() {
		String what = (this.event instanceof ControlEvent.StateChanged s) ? " " + s.ip() + " " + s.from() + "->" + s.to()
				: (this.event instanceof ControlEvent.Alert a) ? " " + a.kind() + ((a.ip() != null) ? " " + a.ip() : "")
						: "";
		return this.type.wireName() + " #" + this.sequence + what;
	}

}
