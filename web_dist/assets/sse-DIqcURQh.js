import{i as e,t}from"./api-BdVdaYUL.js";async function n(){return(await e(`GET`,`/api/auth/me`)).csrf_token??``}function r(e,n){try{let r=JSON.parse(n);if(r.error?.message)return new t(e,String(r.error.code),r.error.message,r.error.detail)}catch{}return new t(e,`http_${e}`,`The server answered ${e}.`)}function i(e){return new t(Number(e.status??502),String(e.code),String(e.message))}function a(e){let t=`message`,n=``;for(let r of e.split(`
`))r.startsWith(`event: `)?t=r.slice(7):r.startsWith(`data: `)&&(n+=r.slice(6));if(!n)return null;try{return[t,JSON.parse(n)]}catch{return null}}async function o(e,t){let n=e.pipeThrough(new TextDecoderStream).getReader(),r=``;for(;;){let{value:e,done:i}=await n.read();if(i)return;r+=e;let o=r.indexOf(`

`);for(;o>=0;){let e=a(r.slice(0,o));r=r.slice(o+2),o=r.indexOf(`

`),e&&t(...e)}}}export{i,r as n,o as r,n as t};