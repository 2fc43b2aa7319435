package org.patchbay.exotel.internal;

import java.time.Instant;

/** An Exotel API account: its sid (path of the API), API key and the hash of its token. */
record Account(String sid, String name, String apiKey, String tokenHash, Instant created) {

    @Override
    public String toString() {
        return "Account[" + sid + ", " + name + ", key=" + apiKey + ", token=***]";
    }
}
