# Shared by the devcell maintainer scripts (build.py puts it where a script says #NGINX_FUNCTIONS#): the nginx
# site is ours to disable only while /etc/nginx/sites-enabled/devcell is a link to our sites-available file.

nginx_site_is_ours() {
    [ -L "${DPKG_ROOT:-}$SITE_LINK" ] || return 1
    # -m: the target may already be gone (purge removes the conffile before postrm runs).
    target=$(cd "${DPKG_ROOT:-}/etc/nginx/sites-enabled" 2>/dev/null && readlink -m "devcell") || return 1
    [ "$target" = "${DPKG_ROOT:-}/etc/nginx/sites-available/devcell" ]
}

reload_nginx() {
    # Only a running nginx has the site loaded; a stopped one reads its configuration when it starts.
    [ -z "${DPKG_ROOT:-}" ] || return 0
    [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null || return 0
    if ! invoke-rc.d nginx reload >/dev/null 2>&1; then
        echo "DevCell: nginx did not reload; check it with: sudo nginx -t && sudo systemctl reload nginx" >&2
    fi
}
