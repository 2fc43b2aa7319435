package org.patchbay.http.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.patchbay.http.internal.auth.BearerCheck.Outcome;

class BearerCheckTest {

    private final BearerCheck check = new BearerCheck("s3cr3t-token-value");

    @Test
    void acceptsOnlyTheExactToken() {
        assertEquals(Outcome.OK, check.check("Bearer s3cr3t-token-value"));
        assertEquals(Outcome.OK, check.check("bearer s3cr3t-token-value"), "scheme is case-insensitive");
        assertEquals(Outcome.OK, check.check("  Bearer   s3cr3t-token-value  "));
        assertEquals(Outcome.WRONG_TOKEN, check.check("Bearer S3CR3T-TOKEN-VALUE"), "token is case-sensitive");
        assertEquals(Outcome.WRONG_TOKEN, check.check("Bearer s3cr3t-token-valu"));
        assertEquals(Outcome.WRONG_TOKEN, check.check("Bearer s3cr3t-token-value2"));
        assertEquals(Outcome.WRONG_TOKEN, check.check("Bearer "));
    }

    @Test
    void classifiesMissingAndForeignSchemes() {
        assertEquals(Outcome.MISSING, check.check(null));
        assertEquals(Outcome.MISSING, check.check(" "));
        assertEquals(Outcome.NOT_BEARER, check.check("Basic YWRtaW46YWRtaW4="));
        assertEquals(Outcome.NOT_BEARER, check.check("Bearers3cr3t-token-value"));
        assertEquals(Outcome.NOT_BEARER, check.check("s3cr3t-token-value"));
    }

    @Test
    void refusesEmptyToken() {
        assertThrows(IllegalArgumentException.class, () -> new BearerCheck(""));
    }
}
