# Sourced by bench/load.sh and bench/soak.sh.
#
# sign_in BASE EMAIL PASSWORD JAR: signs in as a browser does (the CSRF cookie and token from
# the form, then the form) and prints the session cookie, "foi_session=…", or nothing.
sign_in() {
  local base=$1 email=$2 password=$3 jar=$4 page csrf
  rm -f "$jar"
  page=$(curl -sf -c "$jar" "$base/sign-in")
  csrf=$(grep -o 'name="csrf" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/sign-in"
  awk '$6 == "foi_session" {print "foi_session=" $7}' "$jar"
}
