package io.syncookied.controlplane.events;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Everything the control plane tells operators about: published on {@link EventBus}, streamed as Server-Sent Events
 * and logged. The SSE event name is {@link #type()}.
 */
public sealed interface ControlEvent {

	Instant at();

	String type();

	/** A host changed protection state. */
	record StateChanged(Instant at, String ip, String from, String to, String reason, @Nullable String mitigationId)
			implements ControlEvent {
		@Override
		public String type() {
			return "state";
		}
	}

	/** A detection decision, with the numbers behind it. */
	record Detection(Instant at, String ip, String decision, String source, double synRateEwma, double synRateWindowMean,
			double synRateWindowPeak, double rxPpsEwma, long startThreshold, long endThreshold, int consecutive,
			double score) implements ControlEvent {
		@Override
		public String type() {
			return "detection";
		}
	}

	/** Something an operator must look at: a failed step, stale secrets, a dead worker, a lost diversion. */
	record Alert(Instant at, AlertKind kind, @Nullable String ip, String message) implements ControlEvent {
		@Override
		public String type() {
			return "alert";
		}
	}

	/** The hosts file was (re)loaded, or a reload was refused. */
	record ConfigReload(Instant at, String file, boolean accepted, int hosts, String message,
			Map<String, Object> details) implements ControlEvent {
		@Override
		public String type() {
			return "config";
		}
	}

	/** Dataplane worker lifecycle: started or adopted, exited or unhealthy, restart attempts, recovered. */
	record Worker(Instant at, WorkerEventKind what, String message) implements ControlEvent {
		@Override
		public String type() {
			return "worker";
		}
	}

}
