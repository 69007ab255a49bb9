const http = require("node:http");
http.createServer((req, res) => res.end(`hello from ${process.env.NODE_ENV}\n`)).listen(Number(process.env.PORT) || 3000);
