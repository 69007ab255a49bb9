/**
 * The classic pair: nginx serves static files and hands *.php to php-fpm. Both mount the
 * same named volume for the code (php-fpm's image seeds it); nginx gets its config from a bind mount.
 */
import { Service, Stack, Volume } from "@berth/dsl";

const stack = new Stack("nginx-php");

const code = new Volume("code");

const php = new Service("php", {
  image: "php:8.3-fpm-alpine",
  volumes: [{ source: code, target: "/var/www/html" }],
  restart: "unless-stopped",
});

new Service("nginx", {
  image: "nginx:1.27-alpine",
  ports: ["127.0.0.1:8080:80"],
  volumes: [
    { source: code, target: "/var/www/html", readOnly: true },
    { type: "bind", source: "./nginx.conf", target: "/etc/nginx/conf.d/default.conf", readOnly: true },
  ],
  dependsOn: [php],
  restart: "unless-stopped",
});

export default stack;
