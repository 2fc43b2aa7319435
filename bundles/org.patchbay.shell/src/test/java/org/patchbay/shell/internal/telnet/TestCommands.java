package org.patchbay.shell.internal.telnet;

import java.util.concurrent.CountDownLatch;

import org.apache.felix.service.command.Descriptor;
import org.patchbay.shell.internal.command.CommandFailure;

/** Commands for the telnet tests. */
public final class TestCommands {
    final CountDownLatch blocking = new CountDownLatch(1);

    @Descriptor("echo")
    public String echo(@Descriptor("words") String... words) {
        return String.join(" ", words);
    }

    @Descriptor("fail")
    public Object fail() {
        throw new CommandFailure("pb:fail", "it broke");
    }

    @Descriptor("print")
    public void print() {
        System.out.println("printed via System.out");
    }

    @Descriptor("block until interrupted")
    public void block() throws InterruptedException {
        blocking.countDown();
        Thread.sleep(60_000);
    }
}
