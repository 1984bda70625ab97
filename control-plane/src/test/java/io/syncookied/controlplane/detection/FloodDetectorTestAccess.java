package io.syncookied.controlplane.detection;

import java.io.IOException;
import java.util.List;

import io.syncookied.controlplane.telemetry.TelemetrySample;

/** The recorded flood series, for tests in other packages. */
public final class FloodDetectorTestAccess {

	private FloodDetectorTestAccess() {
	}

	public static List<TelemetrySample> recorded() throws IOException {
		return RecordedTraces.load("netns-hping3-flood.csv");
	}

}
