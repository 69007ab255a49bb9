console.log("berth");
