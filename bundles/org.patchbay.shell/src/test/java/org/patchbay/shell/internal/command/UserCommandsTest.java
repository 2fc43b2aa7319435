package org.patchbay.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.shell.internal.Gogo;

/** The user commands as an operator types them, through a real Gogo runtime. */
class UserCommandsTest {
    private static final String PASSWORD = "Tr0ub4dor&3x";

    private final FakeDirectory directory = new FakeDirectory();
    private final UserCommands commands = new UserCommands();
    private final List<String> seen = new ArrayList<>();
    private Gogo gogo;

    @BeforeEach
    void setUp() {
        commands.bindDirectory(directory);
        gogo = new Gogo().register("pb", commands, "useradd", "userdel", "users", "passwd");
    }

    @AfterEach
    void tearDown() {
        seen.add(gogo.printed());
        gogo.close();
        for (String text : seen) {
            assertFalse(text != null && text.contains(PASSWORD), "password shown: " + text);
        }
    }

    private String run(String line) throws Exception {
        String out = gogo.run(line);
        seen.add(out);
        return out;
    }

    /** Runs a line that must fail; returns the line the console prints (exception.toString()). */
    private String fail(String line) {
        Exception e = assertThrows(Exception.class, () -> gogo.run(line));
        assertTrue(e instanceof CommandFailure, "not a CommandFailure: " + e);
        String shown = e.toString();
        seen.add(shown);
        assertFalse(shown.contains("\n"), shown);
        return shown;
    }

    @Test
    void useraddJoinsTheDisplayNameAndNormalisesTheDomain() throws Exception {
        assertEquals("created user alice@example.com \"Alice P. Liddell\"",
                run("pb:useradd alice@EXAMPLE.com '" + PASSWORD + "' Alice P. Liddell"));
        assertEquals("Alice P. Liddell", directory.users.get("alice@example.com").displayName());
        assertEquals(PASSWORD, directory.passwords.get("alice@example.com"));
    }

    @Test
    void useraddWithoutDisplayName() throws Exception {
        assertEquals("created user bob@example.com", run("pb:useradd bob@example.com " + "longenough"));
        assertEquals("", directory.users.get("bob@example.com").displayName());
    }

    @Test
    void useraddOfAnExistingUserSaysSo() throws Exception {
        run("pb:useradd alice@example.com '" + PASSWORD + "'");
        assertEquals("pb:useradd: user alice@example.com exists", fail("pb:useradd alice@example.com '" + PASSWORD + "' X"));
        assertEquals("", directory.users.get("alice@example.com").displayName());
    }

    @Test
    void badAddressIsOneLineAndNothingIsCreated() {
        assertEquals("pb:useradd: invalid address 'alice': expected user@domain",
                fail("pb:useradd alice '" + PASSWORD + "'"));
        assertTrue(directory.users.isEmpty());
    }

    @Test
    void badPasswordNamesTheRuleWithoutTheValue() {
        assertEquals("pb:useradd: password must be 8 to 128 characters (got 5)", fail("pb:useradd alice@example.com short"));
    }

    @Test
    void aPasswordQuotedByTheDirectoryIsHidden() {
        directory.echoPassword = true;
        assertEquals("pb:passwd: password '***' is too short", fail("pb:passwd alice@example.com s3cr3"));
        assertEquals("pb:useradd: password '***' is too short", fail("pb:useradd alice@example.com pw"));
    }

    @Test
    void hideLeavesWordsThatMerelyContainThePassword() {
        assertEquals("password must be 8 characters", UserCommands.hide("pass", "password must be 8 characters"));
        assertEquals("got *** and *** again", UserCommands.hide("x&y", "got x&y and x&y again"));
        assertEquals("msg", UserCommands.hide(null, "msg"));
    }

    @Test
    void userdelAndPasswdOfUnknownUser() {
        assertEquals("pb:userdel: no user bob@example.com", fail("pb:userdel bob@example.com"));
        assertEquals("pb:passwd: no user bob@example.com", fail("pb:passwd bob@example.com '" + PASSWORD + "'"));
    }

    @Test
    void userdelAndPasswd() throws Exception {
        run("pb:useradd alice@example.com longenough");
        assertEquals("changed the password of alice@example.com", run("pb:passwd alice@example.com '" + PASSWORD + "'"));
        assertEquals(PASSWORD, directory.passwords.get("alice@example.com"));
        assertEquals("deleted user alice@example.com", run("pb:userdel alice@example.com"));
        assertTrue(directory.users.isEmpty());
    }

    @Test
    void usersPrintsATableAndFilters() throws Exception {
        run("pb:useradd alice@example.com longenough Alice Liddell");
        run("pb:useradd bob@example.org longenough");
        String all = run("pb:users");
        assertEquals(String.join("\n",
                "ADDRESS            CREATED               DISPLAY NAME",
                "alice@example.com  2024-05-01 10:00:00Z  Alice Liddell",
                "bob@example.org    2024-05-01 10:00:00Z",
                "2 users"), all);
        assertTrue(run("pb:users liddell").contains("alice@example.com"));
        assertFalse(run("pb:users liddell").contains("bob@"));
        assertEquals("no users match 'zzz'", run("pb:users zzz"));
    }

    @Test
    void usersResultKeepsTheListForScripts() throws Exception {
        run("pb:useradd alice@example.com longenough Alice");
        Object result = gogo.session().execute("pb:users");
        assertEquals(List.of("alice@example.com"), ((UserTable) result).users().stream().map(u -> u.aor().toString()).toList());
        assertTrue(run("(pb:users) users").startsWith("User[aor=alice@example.com, displayName=Alice, "));
    }

    @Test
    void withoutDirectoryEveryCommandSaysWhichBundleIsMissing() {
        commands.unbindDirectory(directory);
        String missing = "directory unavailable (bundle org.patchbay.core not active)";
        assertEquals("pb:users: " + missing, fail("pb:users"));
        assertEquals("pb:useradd: " + missing, fail("pb:useradd alice@example.com '" + PASSWORD + "'"));
        assertEquals("pb:userdel: " + missing, fail("pb:userdel alice@example.com"));
        assertEquals("pb:passwd: " + missing, fail("pb:passwd alice@example.com '" + PASSWORD + "'"));
    }

    @Test
    void aReplacedDirectoryStaysBoundWhenTheOldOneLeaves() throws Exception {
        FakeDirectory other = new FakeDirectory();
        commands.bindDirectory(other);
        commands.unbindDirectory(directory);
        run("pb:useradd carol@example.com longenough");
        assertTrue(other.users.containsKey("carol@example.com"));
    }

    @Test
    void storeDownIsReportedAsIs() {
        directory.storeDown = true;
        assertEquals("pb:users: operation failed: store unavailable", fail("pb:users"));
    }

    @Test
    void anUnexpectedFailureIsOneLineToo() {
        commands.bindDirectory(new FakeDirectory() {
            @Override
            public java.util.List<org.patchbay.api.identity.User> list(String filter) {
                throw new NullPointerException("bug");
            }
        });
        assertEquals("pb:users: failed: NullPointerException (see the log)", fail("pb:users"));
    }
}
