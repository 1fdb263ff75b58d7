// placeholder: the stream-health CLI (issue 3)
console.log('stream-health: not built yet');
