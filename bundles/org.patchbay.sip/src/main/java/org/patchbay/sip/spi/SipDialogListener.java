package org.patchbay.sip.spi;

import javax.sip.DialogTerminatedEvent;
import org.osgi.annotation.versioning.ConsumerType;

/** Set as a dialog's application data (besides or instead of a {@link SipRequestHandler}) to learn when the stack ends it. */
@ConsumerType
public interface SipDialogListener {

    void dialogTerminated(DialogTerminatedEvent event);
}
