// placeholder: the dashboard (issue 5)
export {};
