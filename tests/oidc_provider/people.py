"""Who exists at the provider, and the test-only knobs tied to them."""

CLIENT_ID = "cultivate"
CLIENT_SECRET = "cultivate-provider-secret"
PASSWORD = "provider-pw"

# username → (email, name). Cultivate's tests decide which of these it knows.
PEOPLE = {
    "alice": ("alice.sso@example.com", "Alice Sso"),
    "nobody": ("nobody.here@example.com", "Nobody Here"),
    "gone": ("gone.away@example.com", "Gone Away"),
    "unverified": ("unverified@example.com", "Una Verified"),
    "wrongaud": ("wrong.audience@example.com", "Wrong Audience"),
    "newcomer": ("newcomer@example.com", "New Comer"),
}
# The provider has not verified this person's email address.
UNVERIFIED = {"unverified"}
# This person's ID tokens are issued for another client: a provider that
# mixes up its clients, or a token meant for another application.
WRONG_AUDIENCE = {"wrongaud"}
OTHER_CLIENT_ID = "another-application"


def userinfo(claims, user):
    claims["email"] = user.email
    claims["email_verified"] = user.username not in UNVERIFIED
    claims["name"] = PEOPLE[user.username][1]
    claims["given_name"] = PEOPLE[user.username][1].split(" ")[0]
    return claims


def id_token_hook(id_token, user, **kwargs):
    if user.username in WRONG_AUDIENCE:
        id_token["aud"] = OTHER_CLIENT_ID
    return id_token
