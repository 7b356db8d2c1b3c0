import{n as e}from"./jsxRuntime-RXRg7fbI.js";import{it as t,rt as n}from"./index-ayNHdxcN.js";function r(e,r){return n(e,t(r))}function i(t){return new e(Number(t.status??502),String(t.code),String(t.message))}function a(e){let t=`message`,n=``;for(let r of e.split(`
`))r.startsWith(`event: `)?t=r.slice(7):r.startsWith(`data: `)&&(n+=r.slice(6));if(!n)return null;try{return[t,JSON.parse(n)]}catch{return null}}async function o(e,t){let n=e.pipeThrough(new TextDecoderStream).getReader(),r=``;for(;;){let{value:e,done:i}=await n.read();if(i)return;r+=e;let o=r.indexOf(`

`);for(;o>=0;){let e=a(r.slice(0,o));r=r.slice(o+2),o=r.indexOf(`

`),e&&t(...e)}}}export{o as n,i as r,r as t};