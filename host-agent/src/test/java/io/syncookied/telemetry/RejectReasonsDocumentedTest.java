package io.syncookied.telemetry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/operations.md lists the reasons an operator sees in {@code syncookied_telemetry_rejected_total{reason}} and
 * {@code GET /api/v1/telemetry}: exactly the receiver's, in its order.
 */
class RejectReasonsDocumentedTest {

	@Test
	void theOperationsGuideListsEveryRejectReasonAndNoOther() throws IOException {
		String doc = Files.readString(Path.of("../docs/operations.md"));
		Matcher list = Pattern.compile("Reasons: ((?:`\\w+`,?\\s*)+)").matcher(doc);
		assertThat(list.find()).as("docs/operations.md has a 'Reasons: `...`' list").isTrue();
		List<String> documented = Pattern.compile("`(\\w+)`").matcher(list.group(1)).results().map(r -> r.group(1)).toList();
		assertThat(documented).containsExactlyElementsOf(Arrays.stream(RejectReason.values()).map(RejectReason::tag).toList());
	}

}
