#!/usr/bin/env bash
# The integrator's flow of the link-exchange market, end to end, with API tokens scoped
# deals:write: verify two sites, offer, propose, accept, submit placements, check, read history.
#
# Runnable on one machine: it serves the two partner sites itself (python3 -m http.server on
# ports 8701 and 8702) and expects a Wharf started with these sites resolved to them and
# loopback allow-listed for the checker:
#
#   WHARF_CHECKER_ALLOW_HOSTS=127.0.0.1 \
#   WHARF_CHECKER_RESOLVE=alpha-export.test=127.0.0.1:8701,beta-trade.test=127.0.0.1:8702 \
#   cargo run --release
#
# Against real sites, drop the two local servers, use real domains, and put the pages where
# the script writes them. Needs curl, jq and python3. ALPHA_PORT and BETA_PORT move the two local
# sites (scripts/readme-walkthrough does, to stay clear of anything else on this machine). Exits
# non-zero unless the deal goes live.
set -euo pipefail

API=${API:-http://127.0.0.1:8080/graphql}
ALPHA_PORT=${ALPHA_PORT:-8701}
BETA_PORT=${BETA_PORT:-8702}
ALPHA=alpha-export.test
BETA=beta-trade.test
RUN=$RANDOM

gql() { # gql TOKEN QUERY [VARIABLES_JSON] -> prints the JSON answer; fails on GraphQL errors
  local answer
  answer=$(curl -sS "$API" -H 'content-type: application/json' ${1:+-H "authorization: Bearer $1"} \
    -d "$(jq -n --arg q "$2" --argjson v "${3:-{\}}" '{query: $q, variables: $v}')")
  if [ "$(jq 'has("errors")' <<<"$answer")" = true ]; then echo "GraphQL error: $answer" >&2; return 1; fi
  echo "$answer"
}

# Two local "websites", one folder each.
WEB=$(mktemp -d)
mkdir -p "$WEB/alpha" "$WEB/beta/.well-known"
python3 -m http.server "$ALPHA_PORT" --bind 127.0.0.1 --directory "$WEB/alpha" >/dev/null 2>&1 & A_PID=$!
python3 -m http.server "$BETA_PORT" --bind 127.0.0.1 --directory "$WEB/beta" >/dev/null 2>&1 & B_PID=$!
trap 'kill $A_PID $B_PID 2>/dev/null; rm -rf "$WEB"' EXIT
sleep 1

# 1. Each business registers, creates its site, and makes a deals:write token for it.
owner() { # owner EMAIL DOMAIN -> "SESSION SITE_ID VERIFICATION_TOKEN API_TOKEN"
  local session site
  session=$(gql "" 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }' \
    "{\"i\": {\"email\": \"$1\", \"password\": \"correct horse battery\", \"displayName\": \"$1\"}}" | jq -r .data.register.accessToken)
  site=$(gql "$session" 'mutation($i: CreateSiteInput!) { createSite(input: $i) { id verificationToken } }' \
    "{\"i\": {\"name\": \"$2\", \"domain\": \"$2\", \"defaultLocale\": \"zh-CN\", \"locales\": [\"en\"]}}")
  local token
  token=$(gql "$session" 'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }' \
    "{\"i\": {\"name\": \"deals bot\", \"scopes\": [\"deals:write\"], \"siteId\": $(jq .data.createSite.id <<<"$site")}}" | jq -r .data.createApiToken.token)
  echo "$session $(jq -r .data.createSite.id <<<"$site") $(jq -r .data.createSite.verificationToken <<<"$site") $token"
}
read -r _ A_SITE A_VERIFY A_TOKEN < <(owner "ann+$RUN@alpha-export.test" "$ALPHA")
read -r _ B_SITE B_VERIFY B_TOKEN < <(owner "bo+$RUN@beta-trade.test" "$BETA")

# 2. Prove ownership: a <meta> tag on alpha's home page, a .well-known file on beta.
cat >"$WEB/alpha/index.html" <<HTML
<html><head><meta name="wharf-site-verification" content="$A_VERIFY"><title>Alpha Export 阿尔法机械</title></head><body>home</body></html>
HTML
echo "<html><body>Beta Trade</body></html>" >"$WEB/beta/index.html"
echo "$B_VERIFY" >"$WEB/beta/.well-known/wharf-verification.txt"
gql "$A_TOKEN" 'mutation($s: ID!) { verifySite(siteId: $s) { verified method detail } }' "{\"s\": \"$A_SITE\"}" | jq -c .data.verifySite
gql "$B_TOKEN" 'mutation($s: ID!) { verifySite(siteId: $s) { verified method detail } }' "{\"s\": \"$B_SITE\"}" | jq -c .data.verifySite

# 3. Alpha offers a reciprocal link on its partners page.
OFFER=$(gql "$A_TOKEN" 'mutation($i: CreateLinkOfferInput!) { createLinkOffer(input: $i) { id } }' \
  "{\"i\": {\"siteId\": \"$A_SITE\", \"title\": \"友情链接 on our partners page\", \"description\": \"Machinery exporters welcome\", \"placement\": \"PARTNERS_PAGE\", \"kind\": \"RECIPROCAL\", \"languages\": [\"zh-CN\", \"en\"], \"categories\": [\"machinery\"], \"slots\": 5}}" \
  | jq -r .data.createLinkOffer.id)

# 4. Beta lists open offers (no token needed) and proposes a deal.
gql "" '{ linkOffers(first: 5, filter: {category: "machinery", language: "en", kind: RECIPROCAL}) { totalCount edges { node { id title placement site { domain } } } } }' | jq -c .data.linkOffers
DEAL=$(gql "$B_TOKEN" 'mutation($i: ProposeLinkDealInput!) { proposeLinkDeal(input: $i) { id status } }' \
  "{\"i\": {\"offerId\": \"$OFFER\", \"siteId\": \"$B_SITE\", \"message\": \"Exchange links?\"}}" | jq -r .data.proposeLinkDeal.id)

# 5. Alpha accepts.
gql "$A_TOKEN" 'mutation($d: ID!) { acceptLinkDeal(id: $d) { status } }' "{\"d\": \"$DEAL\"}" | jq -c .data.acceptLinkDeal

# 6. Both place their links and tell Wharf where they are.
echo "<html><body><h1>友情链接</h1><a href=\"https://www.$BETA/\">Beta Trade 贸易</a></body></html>" >"$WEB/alpha/partners.html"
echo "<html><body><a href=\"//$ALPHA/\">Alpha Export</a></body></html>" >"$WEB/beta/links.html"
place() { # place TOKEN PAGE TARGET ANCHOR
  gql "$1" 'mutation($i: SubmitLinkPlacementInput!) { submitLinkPlacement(input: $i) { status } }' \
    "{\"i\": {\"dealId\": \"$DEAL\", \"pageUrl\": \"$2\", \"targetUrl\": \"$3\", \"anchorText\": \"$4\"}}" | jq -c .data.submitLinkPlacement
}
place "$A_TOKEN" "http://$ALPHA/partners.html" "https://www.$BETA/" "Beta Trade 贸易"
place "$B_TOKEN" "http://$BETA/links.html" "https://$ALPHA/" "Alpha Export"

# 7. Check now. The watcher also checks a deal once its placements are in; if it just did,
#    checkLinkDeal answers RATE_LIMITED and the deal already carries the result.
gql "$A_TOKEN" 'mutation($d: ID!) { checkLinkDeal(id: $d) { status liveSince } }' "{\"d\": \"$DEAL\"}" | jq -c .data.checkLinkDeal \
  || echo "(checked by the watcher already)"
for _ in $(seq 1 30); do
  STATUS=$(gql "$B_TOKEN" 'query($d: ID!) { linkDeal(id: $d) { status } }' "{\"d\": \"$DEAL\"}" | jq -r .data.linkDeal.status)
  [ "$STATUS" = LIVE ] && break
  sleep 1
done
echo "deal $DEAL is $STATUS"

# 8. Status and history: every transition (who, when) and every check.
gql "$B_TOKEN" 'query($d: ID!) { linkDeal(id: $d) { status version events { fromStatus toStatus note createdAt actor { displayName } } checks { side live rel anchorText httpStatus noindex robotsBlocked redirectChain error checkedAt } } }' \
  "{\"d\": \"$DEAL\"}" | jq .data.linkDeal
[ "$STATUS" = LIVE ] || { echo "the deal did not go live" >&2; exit 1; }
