package io.syncookied.controlplane.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %m} with {@link LogText#escape}: every log message is one line, whatever outside input it quotes
 * (registered for {@code %m}, {@code %msg} and {@code %message} in {@code logback-spring.xml}).
 */
public final class EscapedMessageConverter extends MessageConverter {

	@Override
	public String convert(ILoggingEvent event) {
		return LogText.escape(event.getFormattedMessage());
	}

}
