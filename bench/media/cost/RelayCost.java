import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.patchbay.api.media.MediaHook;
import org.patchbay.media.internal.relay.MediaEngine;

/**
 * CPU time of the media engine's loop threads per relayed packet at a fixed G.711 load (CALLS x 2 streams x 50
 * packets/s, 172-byte packets, calls spread over 20 sub-ticks of 20 ms as rtpgen does), with a generator and receiver
 * in the same JVM. Thread CPU time (user + system) per packet depends much less on other load on the machine than
 * the process CPU of a side-by-side run, so before/after comparisons of the packet path need fewer repeats.
 * Usage: see relaycost.sh. Arguments: CALLS SECONDS [FIRST_PORT]; -Dthreads=N loop threads (default 2).
 */
public class RelayCost {
    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int base = Integer.parseInt(args.length > 2 ? args[2] : "41000");
        MediaEngine engine = new MediaEngine(new MediaEngine.Settings("127.0.0.1", "127.0.0.1", base, base + 8 * calls + 100,
                Integer.getInteger("threads", 2), 0, true), new MediaEngine.Calls() {
            public boolean answered(String c) { return false; }
            public void end(String c, String r) { }
        });
        DatagramChannel[] a = new DatagramChannel[calls], b = new DatagramChannel[calls];
        InetSocketAddress[] ra = new InetSocketAddress[calls], rb = new InetSocketAddress[calls];
        Selector sel = Selector.open();
        for (int i = 0; i < calls; i++) {
            a[i] = DatagramChannel.open(); a[i].bind(new InetSocketAddress("127.0.0.1", 0)); a[i].configureBlocking(false);
            b[i] = DatagramChannel.open(); b[i].bind(new InetSocketAddress("127.0.0.1", 0)); b[i].configureBlocking(false);
            String toB = engine.sdpFor("c" + i, "a", "b", MediaHook.Kind.OFFER, sdp(((InetSocketAddress) a[i].getLocalAddress()).getPort()));
            String toA = engine.sdpFor("c" + i, "b", "a", MediaHook.Kind.ANSWER, sdp(((InetSocketAddress) b[i].getLocalAddress()).getPort()));
            ra[i] = new InetSocketAddress("127.0.0.1", port(toA));
            rb[i] = new InetSocketAddress("127.0.0.1", port(toB));
            a[i].register(sel, SelectionKey.OP_READ);
            b[i].register(sel, SelectionKey.OP_READ);
        }
        AtomicLong received = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        running = true;
        Thread rx = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            while (running) {
                try {
                    sel.select(k -> {
                        try {
                            DatagramChannel ch = (DatagramChannel) k.channel();
                            for (int j = 0; j < 64; j++) { buf.clear(); if (ch.receive(buf) == null) break; received.incrementAndGet(); }
                        } catch (Exception e) { }
                    }, 100);
                } catch (Exception e) { }
            }
        }, "rx");
        rx.start();
        Thread tx = new Thread(() -> {
            ByteBuffer p = ByteBuffer.allocateDirect(172);
            int[] seq = new int[2 * calls];
            long start = System.nanoTime();
            long tick = 1_000_000; // 20 sub-ticks per 20 ms
            for (long t = 0; running; t++) {
                long deadline = start + t * tick;
                long wait = deadline - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                int sub = (int) (t % 20);
                for (int i = sub; i < calls; i += 20) {
                    for (int s = 0; s < 2; s++) {
                        int id = 2 * i + s;
                        p.clear();
                        p.put(0, (byte) 0x80); p.put(1, (byte) 0); p.putShort(2, (short) seq[id]); p.putInt(4, seq[id] * 160); p.putInt(8, id + 1);
                        seq[id]++;
                        try { (s == 0 ? a[i] : b[i]).send(p, s == 0 ? ra[i] : rb[i]); sent.incrementAndGet(); } catch (Exception e) { }
                    }
                }
            }
        }, "tx");
        tx.setPriority(Thread.MAX_PRIORITY);
        tx.start();
        Thread.sleep(3000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] loops = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pb-media-") && !t.getName().contains("dtls") && !t.getName().contains("dtmf"))
                .mapToLong(Thread::getId).toArray();
        long cpu0 = 0; for (long id : loops) cpu0 += mx.getThreadCpuTime(id);
        long alloc0 = 0; for (long id : loops) alloc0 += mx.getThreadAllocatedBytes(id);
        long r0 = received.get(), s0 = sent.get();
        long w0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu1 = 0; for (long id : loops) cpu1 += mx.getThreadCpuTime(id);
        long alloc1 = 0; for (long id : loops) alloc1 += mx.getThreadAllocatedBytes(id);
        long r1 = received.get(), s1 = sent.get();
        double wall = (System.nanoTime() - w0) / 1e9;
        long pk = r1 - r0;
        System.out.printf("calls %d: sent %d recv %d (%.2f%% lost), loop CPU %.1f%% of a core, %.2f us/packet, %d B/packet, %d loop threads, load %s%n",
                calls, s1 - s0, pk, 100.0 * (1 - (double) pk / Math.max(1, s1 - s0)), (cpu1 - cpu0) / 1e7 / wall,
                (cpu1 - cpu0) / 1e3 / Math.max(1, pk), (alloc1 - alloc0) / Math.max(1, pk), loops.length,
                new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).split(" ")[0]);
        running = false;
        tx.join(); rx.join();
        engine.close(false);
        System.exit(0);
    }

    static volatile boolean running;

    static String sdp(int port) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + port
                + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
    }

    static int port(String sdp) {
        for (String l : sdp.split("\r?\n")) if (l.startsWith("m=audio ")) return Integer.parseInt(l.split(" ")[1]);
        throw new IllegalStateException(sdp);
    }
}
