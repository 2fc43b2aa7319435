/**
 * The media bench hook: a bench-only HTTP endpoint, off by default, that creates relay sessions for a load generator
 * (the shared RTP relay kit, {@code bench.py --driver http}) through the same {@code MediaHook} calls a SIP call makes.
 */
package org.patchbay.media.internal.bench;
